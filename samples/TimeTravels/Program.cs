using TimeTravels;

var app = TimeTravelsApp.Build(args);
app.Run();

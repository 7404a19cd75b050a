using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TimeTravels;

/// <summary>
/// The sample upstream: webMethods' "Time travels" booking API, in memory. Every response echoes the
/// identity headers the gateway passed on (<c>X-Client-Id</c>, <c>X-Owner</c>, <c>X-Scope</c>,
/// <c>X-Forwarded-*</c>) and whether an <c>Authorization</c> header reached it, so a user can see
/// what the gateway forwards.
/// </summary>
public static class TimeTravelsApp
{
    /// <summary>Builds the app; pass <c>--urls</c> to choose where it listens.</summary>
    /// <param name="args">Command-line arguments (standard .NET configuration).</param>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, TimeTravelsJsonContext.Default);
        });
        var app = builder.Build();
        var bookings = new BookingBook();

        app.MapGet("/bookings", (HttpRequest request) =>
            Results.Ok(new BookingList(bookings.All(), ReceivedIdentity.From(request))));
        app.MapGet("/bookings/{id}", (string id, HttpRequest request) =>
            bookings.TryGet(id, out var booking)
                ? Results.Ok(new BookingResult(booking, ReceivedIdentity.From(request)))
                : Results.NotFound(new ErrorBody("not_found", $"no booking '{id}'")));
        app.MapPost("/bookings", (NewBooking? input, HttpRequest request) =>
        {
            if (input is null || string.IsNullOrWhiteSpace(input.Passenger) || string.IsNullOrWhiteSpace(input.Destination))
            {
                return Results.BadRequest(new ErrorBody("invalid_request", "send {\"passenger\": ..., \"destination\": ...}"));
            }

            var booking = bookings.Add(input);
            return Results.Created($"/bookings/{booking.Id}", new BookingResult(booking, ReceivedIdentity.From(request)));
        });
        app.MapDelete("/bookings/{id}", (string id, HttpRequest request) =>
            bookings.Remove(id, out var booking)
                ? Results.Ok(new BookingResult(booking, ReceivedIdentity.From(request)))
                : Results.NotFound(new ErrorBody("not_found", $"no booking '{id}'")));
        return app;
    }
}

/// <summary>A booking of a trip through time.</summary>
public sealed record Booking(string Id, string Passenger, string Destination);

/// <summary>Body of <c>POST /bookings</c>.</summary>
public sealed record NewBooking(string? Passenger, string? Destination);

/// <summary>The identity headers the upstream received from the gateway, and the names (not values) of all headers it received.</summary>
public sealed record ReceivedIdentity(
    string? ClientId, string? Owner, string? Scope, bool AuthorizationHeaderPresent,
    string? ForwardedFor, string? ForwardedProto, string? ForwardedHost, string? ForwardedPrefix,
    IReadOnlyList<string> HeaderNames)
{
    /// <summary>Reads the identity headers from a request.</summary>
    public static ReceivedIdentity From(HttpRequest request)
    {
        var h = request.Headers;
        static string? One(Microsoft.Extensions.Primitives.StringValues v) => v.Count == 0 ? null : v.ToString();
        return new ReceivedIdentity(
            One(h["X-Client-Id"]), One(h["X-Owner"]), One(h["X-Scope"]), h.ContainsKey("Authorization"),
            One(h["X-Forwarded-For"]), One(h["X-Forwarded-Proto"]), One(h["X-Forwarded-Host"]), One(h["X-Forwarded-Prefix"]),
            [.. h.Keys.Order(StringComparer.OrdinalIgnoreCase)]);
    }
}

/// <summary><c>GET /bookings</c> response.</summary>
public sealed record BookingList(IReadOnlyList<Booking> Bookings, ReceivedIdentity ReceivedIdentity);

/// <summary>Single-booking response.</summary>
public sealed record BookingResult(Booking Booking, ReceivedIdentity ReceivedIdentity);

/// <summary>Error body.</summary>
public sealed record ErrorBody(string Error, string ErrorDescription);

internal sealed class BookingBook
{
    private readonly ConcurrentDictionary<string, Booking> _bookings = new(StringComparer.Ordinal);
    private int _nextId;

    public BookingBook()
    {
        Add(new NewBooking("Marty McFly", "1955-11-05"));
        Add(new NewBooking("Doc Brown", "1885-09-02"));
    }

    public IReadOnlyList<Booking> All() => [.. _bookings.Values.OrderBy(b => int.Parse(b.Id, System.Globalization.CultureInfo.InvariantCulture))];

    public bool TryGet(string id, out Booking booking) => _bookings.TryGetValue(id, out booking!);

    public bool Remove(string id, out Booking booking) => _bookings.TryRemove(id, out booking!);

    public Booking Add(NewBooking input)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var booking = new Booking(id, input.Passenger!, input.Destination!);
        _bookings[id] = booking;
        return booking;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(BookingList))]
[JsonSerializable(typeof(BookingResult))]
[JsonSerializable(typeof(NewBooking))]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class TimeTravelsJsonContext : JsonSerializerContext;

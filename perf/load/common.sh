# Shared by perf/load/run and perf/load/ab (sourced, not run): the workload, the upstream, starting a gateway, wrk.
# The caller sets: work (a temporary directory), pids=() (killed on exit), THREADS, UPSTREAM_PORT.

# The sample API's GET resource (scope "view"). FastGateway strips its base path, the peers forward it as is:
# the upstream answers both paths and 404s anything else, so a wrong path shows up as an error.
REQUEST_PATH=/timetravels/bookings
BODY='{"bookings":[{"id":"42","passenger":"Marty McFly","destination":"2015-10-21"}]}'

# install_missing TOOL...: CI machines start bare; installs the Debian packages of the tools not on PATH.
# Debian's nginx package starts a system nginx on port 80; it is not ours and not in the way (we use other ports).
install_missing() {
  local missing=() tool sudo=""
  for tool in "$@"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "Installing ${missing[*]}..."
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# start NAME COMMAND...: runs it in the background with its output in $work/NAME.log; its pid in $last_pid.
# Variables assigned in front of a call (VAR=x start ...) reach COMMAND's environment only: how secrets are passed.
start() {
  local name=$1; shift
  "$@" >"$work/$name.log" 2>&1 &
  last_pid=$!
  pids+=("$last_pid")
}

# wait_port PORT PID NAME: until PORT accepts connections; fails with NAME's log if PID died.
wait_port() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || { echo "$3 exited while starting:" >&2; cat "$work/$3.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$3 did not open port $1 within 30 s" >&2; exit 1
}

# The upstream: nginx returning the fixed JSON body, one worker per core.
start_upstream() {
  mkdir -p "$work/upstream"
  cat >"$work/upstream.conf" <<CONF
worker_processes auto;
pid $work/upstream.pid;
error_log $work/upstream.err warn;
events { worker_connections 4096; }
http {
  access_log off;
  # The proxies and wrk keep connections open for the whole run: no close after nginx's default 1000 requests.
  keepalive_requests 10000000;
  default_type application/json;
  server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    location = /bookings { return 200 '$BODY'; }
    location = $REQUEST_PATH { return 200 '$BODY'; }
    location / { return 404; }
  }
}
CONF
  start upstream nginx -p "$work/upstream" -e "$work/upstream.err" -c "$work/upstream.conf" -g 'daemon off;'
  wait_port "$UPSTREAM_PORT" "$last_pid" upstream
}

# start_gateway NAME PORT DLL [VAR=value...]: FastGateway (DLL, a Release build) in front of the upstream, with a
# bootstrapped client and its own store under $work/NAME-data, extra environment as given; sets GATEWAY_PID and
# TOKEN (an access token with scope "view"). The client secret and the token never appear in an argv.
start_gateway() {
  local name=$1 port=$2 dll=$3 secret
  shift 3
  secret=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  Bootstrap__Clients__0__ClientId=load-client \
  Bootstrap__Clients__0__ClientSecret="$secret" \
  Bootstrap__Clients__0__ClientName="Load test client" \
  Bootstrap__Clients__0__Scope=view \
  start "$name" env "$@" dotnet "$dll" \
      --urls="http://127.0.0.1:$port" --Storage:Path="$work/$name-data" \
      --Upstreams:timetravels="http://127.0.0.1:$UPSTREAM_PORT" --OAuth:RequireHttps=false \
      --Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning
  GATEWAY_PID=$last_pid
  wait_port "$port" "$GATEWAY_PID" "$name"
  TOKEN=$(printf 'user = "load-client:%s"\n' "$secret" |
    curl -sf -K - -d grant_type=client_credentials -d scope=view "http://127.0.0.1:$port/oauth2/token" |
    sed -nE 's/.*"access_token":"([^"]+)".*/\1/p')
  [ -n "$TOKEN" ] || { echo "no access token from FastGateway $name:" >&2; cat "$work/$name.log" >&2; exit 1; }
}

# run_wrk CONNECTIONS DURATION PORT: prints wrk's RESULT line (see wrk.lua; the token comes from LOAD_TOKEN);
# the full output goes to $work/wrk.log. With LOAD_COUNT_NON2XX=1 in its environment, the line carries an exact
# non-2xx count (slower wrk; warm-ups only).
run_wrk() {
  wrk -t"$THREADS" -c"$1" -d"$2" --latency -s perf/load/wrk.lua "http://127.0.0.1:$3$REQUEST_PATH" >"$work/wrk.log" 2>&1 ||
    { cat "$work/wrk.log" >&2; exit 1; }
  grep '^RESULT ' "$work/wrk.log" || { echo "wrk printed no RESULT line:" >&2; cat "$work/wrk.log" >&2; exit 1; }
}

field() { sed -nE "s/.* $1=([0-9.]+).*/\1/p" <<<"$2"; }

# cpu_ticks PID: user + system CPU time of PID and its children (nginx's workers), in clock ticks.
cpu_ticks() {
  local pid
  # Fields after "pid (comm) ": utime and stime are the 12th and 13th (proc(5) fields 14 and 15).
  for pid in "$1" $(pgrep -P "$1"); do sed -E 's/.*\) //' "/proc/$pid/stat"; done | awk '{ s += $12 + $13 } END { print s }'
}

median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

#!/usr/bin/env bash
# Runs every test in the repository: the designer's Vitest unit tests, its lint and format checks, the .NET test projects (workflows and server
# side by side, then the designer's Playwright tests driving Debian's chromium against the built server), then the
# protocol conformance suite (graphql-http audits, graphql-ws client) against a freshly started server on a temporary database.
# Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
out=.test-output
rm -rf "$out" && mkdir -p "$out"
passed=0
failed=0

add_counts() { # "<passed> <failed>"
  passed=$((passed + $1)); failed=$((failed + $2))
}

echo "== build"
if ! dotnet build Respond.sln -nologo -v quiet -clp:ErrorsOnly > "$out/build.log" 2>&1; then
  cat "$out/build.log"
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== designer unit tests (Vitest)"
(cd designer && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npx vitest run --reporter=default --reporter=json --outputFile="../$out/vitest.json") > "$out/vitest.log" 2>&1
if [ -f "$out/vitest.json" ]; then
  read -r vp vf < <(node -e 'const r=require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests)' "$PWD/$out/vitest.json")
  echo "Vitest: $vp passed, $vf failed"
  [ "$vf" -gt 0 ] && grep -E "FAIL|✗|×" "$out/vitest.log" | head -20
  add_counts "$vp" "$vf"
else
  cat "$out/vitest.log"; echo "Vitest printed no results"; add_counts 0 1
fi

echo "== designer lint and format (ESLint, Prettier)"
# Each counts as one test: ESLint (type-aware, over the codegen types) and Prettier's check of every source file.
for check in lint format:check; do
  log="$out/designer-${check/:/-}.log"
  if (cd designer && npm run --silent "$check") > "$log" 2>&1; then
    echo "$check: passed"; add_counts 1 0
  else
    echo "$check: failed"; tail -30 "$log"; add_counts 0 1
  fi
done

echo "== .NET tests"
# The workflow and server suites run side by side; the browser suite runs after them on its own, so its waits do not
# measure a machine saturated by two other test processes.
run_tests() { dotnet test "tests/$1" --no-build -nologo > "$out/$1.log" 2>&1; }
run_tests Respond.Workflows.Tests & workflows=$!
run_tests Respond.Server.Tests
wait "$workflows"
run_tests Respond.Designer.Tests
cat "$out"/Respond.*.log > "$out/dotnet-test.log"
grep -E "^(Passed!|Failed!)" "$out/dotnet-test.log" || true
# Each failed test with its message and the top of its stack, so a CI log says why.
grep -E -A12 "^\s+Failed [A-Za-z]" "$out/dotnet-test.log" | head -200 || true
while read -r line; do
  f=$(sed -E 's/.*Failed:\s+([0-9]+).*/\1/' <<<"$line")
  p=$(sed -E 's/.*Passed:\s+([0-9]+).*/\1/' <<<"$line")
  add_counts "$p" "$f"
done < <(grep -E "^(Passed!|Failed!)\s+-\s+Failed:" "$out/dotnet-test.log")
assemblies=$(grep -cE "^(Passed!|Failed!)\s+-\s+Failed:" "$out/dotnet-test.log")
if [ "$assemblies" -lt 3 ]; then
  echo "expected a result from every test project, got $assemblies"
  add_counts 0 1
fi

echo "== protocol conformance (graphql-http audits, graphql-ws client)"
(cd tests/conformance && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; }) > "$out/npm.log" 2>&1 || { cat "$out/npm.log"; add_counts 0 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
serverdir=$(mktemp -d)
dll="$PWD/server/Respond.Server/bin/Debug/net10.0/Respond.Server.dll"
(
  cd "$serverdir" &&
  ASPNETCORE_URLS="http://127.0.0.1:$port" \
  ConnectionStrings__Respond="Data Source=$serverdir/respond.db" \
  Respond__Bootstrap__Clients__0__ClientId=conformance \
  Respond__Bootstrap__Clients__0__ClientSecret=conformance-secret-0123456789 \
  Respond__Bootstrap__Clients__0__Roles__0=Admin \
  Respond__Bootstrap__Clients__0__Organizations__0='*' \
  Respond__Bootstrap__Users__0__UserName=ci \
  Respond__Bootstrap__Users__0__Password=ci-password-not-used \
  Respond__Bootstrap__Users__0__Roles__0=Viewer \
  exec dotnet "$dll"
) > "$out/server.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break
  sleep 0.5
done
RESPOND_URL="http://127.0.0.1:$port" node tests/conformance/run.mjs | tee "$out/conformance.log"
kill "$server" 2>/dev/null; wait "$server" 2>/dev/null
rm -rf "$serverdir"
summary=$(grep -E "^[0-9]+ passed, [0-9]+ failed$" "$out/conformance.log" | tail -1)
if [ -n "$summary" ]; then
  add_counts "$(cut -d' ' -f1 <<<"$summary")" "$(cut -d' ' -f3 <<<"$summary")"
else
  echo "conformance suite printed no summary; server log:"; tail -50 "$out/server.log"
  add_counts 0 1
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

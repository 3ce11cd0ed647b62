// expect: killed: output exceeded 64 KiB limit
// Passes the check: Log is the host API; ten million lines pass the output limit.
for (var i = 0; i < 10_000_000; i++) Log(i.ToString());

// expect: memory|time limit
// Passes the check: StringBuilder is allowed; megabyte appends meet the heap limit.
var sb = new StringBuilder();
while (true) sb.Append((char)120, 1 << 20);

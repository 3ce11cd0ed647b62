// expect: memory|time limit
// Passes the check: string concatenation is allowed; quadratic copying meets the heap limit or the clock.
var s = "";
while (true) s += new string((char)122, 100_000);

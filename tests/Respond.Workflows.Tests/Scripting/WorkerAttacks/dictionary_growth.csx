// expect: memory|time limit
// Passes the check: Dictionary and strings are allowed; a million-entry table of 64-char strings outgrows the heap.
var d = new Dictionary<int, string>();
for (var i = 0; ; i++) d[i] = new string((char)107, 64) + i;

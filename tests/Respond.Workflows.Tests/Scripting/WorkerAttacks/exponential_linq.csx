// expect: killed: exceeded 2 s time limit
// Passes the check: SelectMany is LINQ; 2^64 elements never finish.
IEnumerable<int> s = new[] { 1, 2 };
for (var i = 0; i < 64; i++) s = s.SelectMany(x => new[] { x, x });
Log(s.Count().ToString());

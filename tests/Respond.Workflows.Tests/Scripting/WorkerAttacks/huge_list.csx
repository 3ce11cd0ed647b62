// expect: memory|time limit
// Passes the check: List<long> is allowed; doubling its buffer meets the 128 MiB heap limit (or, as the GC thrashes near it, the clock).
var l = new List<long>();
while (true) l.Add(l.Count);

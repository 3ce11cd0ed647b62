// expect: killed: exceeded 2 s time limit
// Passes the check: the Regex has a timeout argument, just a very long one; the worker clock is shorter.
var r = new Regex("(a+)+$", RegexOptions.None, TimeSpan.FromDays(1));
Log(r.IsMatch(new string((char)97, 64) + "!").ToString());

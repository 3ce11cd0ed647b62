// expect: System.IO.StreamReader
var r = new System.IO.StreamReader("/proc/self/environ");
Log(r.ReadToEnd());

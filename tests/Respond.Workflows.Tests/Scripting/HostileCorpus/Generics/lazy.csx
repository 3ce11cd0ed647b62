// expect: System.Lazy
var l = new Lazy<string>(() => "x");
Log(l.Value);

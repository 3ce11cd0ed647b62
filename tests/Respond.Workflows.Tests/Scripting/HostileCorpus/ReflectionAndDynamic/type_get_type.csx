// expect: System.Type
var t = Type.GetType("System.IO.File");
Log(t.ToString());

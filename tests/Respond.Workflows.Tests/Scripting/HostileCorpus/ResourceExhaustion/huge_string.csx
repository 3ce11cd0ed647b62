// expect: memory
var s = new string((char)120, int.MaxValue / 2);
Log(s.Length.ToString());

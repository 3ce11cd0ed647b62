// expect: System.Object.GetType
var t = Event.GetType();
Log(t.FullName);

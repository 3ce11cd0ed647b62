// expect: System.Activator
var o = Activator.CreateInstance<object>();

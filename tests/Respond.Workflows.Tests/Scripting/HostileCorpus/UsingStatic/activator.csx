// expect: System.Activator
using static System.Activator;
var o = CreateInstance<object>();

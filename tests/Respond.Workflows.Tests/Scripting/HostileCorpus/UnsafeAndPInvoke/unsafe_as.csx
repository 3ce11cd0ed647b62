// expect: System.Runtime.CompilerServices
object o = "x";
var s = System.Runtime.CompilerServices.Unsafe.As<string>(o);

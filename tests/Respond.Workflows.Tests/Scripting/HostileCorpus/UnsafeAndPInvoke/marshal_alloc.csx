// expect: Marshal
var p = System.Runtime.InteropServices.Marshal.AllocHGlobal(100);

// expect: System.GC
var a = GC.AllocateUninitializedArray<byte>(int.MaxValue);

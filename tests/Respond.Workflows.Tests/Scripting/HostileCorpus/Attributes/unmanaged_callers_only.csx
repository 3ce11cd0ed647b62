// expect: UnmanagedCallersOnly
[System.Runtime.InteropServices.UnmanagedCallersOnly] static void Callback() { }
Log("x");

// expect: nint
IntPtr p = new IntPtr(0);
Log(p.ToString());

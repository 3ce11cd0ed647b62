// expect: stackalloc
Span<byte> b = stackalloc byte[1024];
Log(b.Length.ToString());

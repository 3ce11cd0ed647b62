// expect: System.GC
while (true) GC.Collect();

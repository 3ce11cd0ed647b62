// expect: System.GC
using static System.GC;
Collect();

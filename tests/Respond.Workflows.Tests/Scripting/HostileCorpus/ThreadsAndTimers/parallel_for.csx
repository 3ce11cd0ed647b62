// expect: Parallel
System.Threading.Tasks.Parallel.For(0, 100, i => { });

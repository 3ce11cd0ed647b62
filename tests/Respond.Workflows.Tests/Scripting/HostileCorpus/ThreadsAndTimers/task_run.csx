// expect: System.Threading.Tasks
System.Threading.Tasks.Task.Run(() => Log("x"));

// expect: System.Threading.Tasks
await System.Threading.Tasks.Task.Delay(100000);

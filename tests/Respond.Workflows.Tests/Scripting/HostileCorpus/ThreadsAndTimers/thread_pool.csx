// expect: System.Threading
System.Threading.ThreadPool.QueueUserWorkItem(_ => { });

// expect: System.Threading
new System.Threading.Thread(() => { while (true) { } }).Start();

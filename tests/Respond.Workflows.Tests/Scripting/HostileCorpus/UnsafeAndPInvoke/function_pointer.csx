// expect: unsafe
unsafe { delegate*<int> f = null; }

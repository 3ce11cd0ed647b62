// expect: ~Evil
class Evil { ~Evil() { while (true) { } } }
new Evil();

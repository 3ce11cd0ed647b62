using System.Runtime.InteropServices;

namespace Respond.ScriptWorker;

/// <summary>
/// The worker's seccomp filter, installed on every thread of the process (TSYNC) after warm-up and before the first
/// request, so nothing a script does can undo it: creating sockets (so no network even where namespaces are missing),
/// starting programs or processes (<c>execve</c>, <c>fork</c>, <c>clone</c> without <c>CLONE_THREAD</c>), and the kernel
/// interfaces a sandbox escape would need (<c>ptrace</c>, <c>process_vm_*</c>, mounts, namespaces, <c>bpf</c>,
/// <c>perf_event_open</c>, <c>io_uring</c>, keyrings, modules) fail with <c>EPERM</c>. x86-64 only; any other system-call
/// architecture (32-bit or x32 entry points) is refused too. Threads still start: <c>clone3</c> answers <c>ENOSYS</c>,
/// and glibc then falls back to <c>clone</c> with <c>CLONE_THREAD</c>.
/// </summary>
internal static class SyscallFilter
{
    private const uint AuditArchX8664 = 0xC000003E;
    private const uint RetAllow = 0x7FFF0000;
    private const uint RetKillProcess = 0x80000000;
    private const uint RetErrno = 0x00050000;
    private const uint Eperm = 1;
    private const uint Enosys = 38;
    private const uint CloneThread = 0x00010000;
    private const int Clone = 56;
    private const int Clone3 = 435;

    private static readonly int[] Denied =
    [
        41, 53, 42, 49, 50, 43, 288, // socket, socketpair, connect, bind, listen, accept, accept4
        59, 322, 57, 58,             // execve, execveat, fork, vfork
        101, 310, 311,               // ptrace, process_vm_readv, process_vm_writev
        165, 166, 155, 161, 272, 308, // mount, umount2, pivot_root, chroot, unshare, setns
        428, 429, 430, 431, 432, 433, 442, // open_tree, move_mount, fsopen, fsconfig, fsmount, fspick, mount_setattr
        321, 298, 323,               // bpf, perf_event_open, userfaultfd
        425, 426, 427,               // io_uring_setup, io_uring_enter, io_uring_register
        246, 320, 175, 313, 176,     // kexec_load, kexec_file_load, init_module, finit_module, delete_module
        250, 248, 249,               // keyctl, add_key, request_key
        303, 304, 300,               // name_to_handle_at, open_by_handle_at, fanotify_init
        167, 168, 169, 164, 227, 159, 163, 179, 172, 173, // swapon, swapoff, reboot, settimeofday, clock_settime, adjtimex, acct, quotactl, iopl, ioperm
    ];

    /// <summary>Installs the filter and proves it by trying a socket; answers <c>on</c> or why not.</summary>
    public static string Install()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return "unavailable: x86-64 Linux only";
        }
        var program = Program();
        var filter = Marshal.AllocHGlobal(program.Length * 8);
        var header = Marshal.AllocHGlobal(16);
        try
        {
            for (var i = 0; i < program.Length; i++)
            {
                Marshal.WriteInt16(filter, i * 8, (short)program[i].Code);
                Marshal.WriteByte(filter, i * 8 + 2, program[i].JumpTrue);
                Marshal.WriteByte(filter, i * 8 + 3, program[i].JumpFalse);
                Marshal.WriteInt32(filter, i * 8 + 4, unchecked((int)program[i].Value));
            }
            Marshal.WriteInt16(header, 0, (short)program.Length);
            Marshal.WriteIntPtr(header, 8, filter);
            if (prctl(38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0) != 0)
            {
                return $"failed: no_new_privs (errno {Marshal.GetLastPInvokeError()})";
            }
            var result = syscall(317 /* seccomp */, 1 /* SECCOMP_SET_MODE_FILTER */, 1 /* SECCOMP_FILTER_FLAG_TSYNC */, header);
            if (result != 0)
            {
                return result < 0 ? $"failed: seccomp (errno {Marshal.GetLastPInvokeError()})" : $"failed: thread {result} could not be synchronised";
            }
        }
        finally
        {
            Marshal.FreeHGlobal(header);
            Marshal.FreeHGlobal(filter);
        }
        var probe = socket(2 /* AF_INET */, 1 /* SOCK_STREAM */, 0);
        if (probe >= 0)
        {
            close(probe);
            return "failed: a socket could still be created";
        }
        return "on";
    }

    private readonly record struct Instruction(ushort Code, byte JumpTrue, byte JumpFalse, uint Value);

    private static Instruction[] Program()
    {
        const ushort loadWord = 0x20; // BPF_LD | BPF_W | BPF_ABS
        const ushort jumpEqual = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
        const ushort jumpAtLeast = 0x35; // BPF_JMP | BPF_JGE | BPF_K
        const ushort jumpAnyBit = 0x45; // BPF_JMP | BPF_JSET | BPF_K
        const ushort ret = 0x06; // BPF_RET | BPF_K
        var program = new List<Instruction>
        {
            new(loadWord, 0, 0, 4), // seccomp_data.arch
            new(jumpEqual, 1, 0, AuditArchX8664),
            new(ret, 0, 0, RetKillProcess),
            new(loadWord, 0, 0, 0), // seccomp_data.nr
            new(jumpAtLeast, 0, 1, 0x40000000), // the x32 entry points
            new(ret, 0, 0, RetErrno | Eperm),
            new(jumpEqual, 0, 1, Clone3), // its flags are behind a pointer: answer "no such call", glibc falls back to clone
            new(ret, 0, 0, RetErrno | Enosys),
            new(jumpEqual, 0, 4, Clone),
            new(loadWord, 0, 0, 16), // seccomp_data.args[0], low word: the clone flags
            new(jumpAnyBit, 0, 1, CloneThread),
            new(ret, 0, 0, RetAllow),
            new(ret, 0, 0, RetErrno | Eperm),
        };
        for (var i = 0; i < Denied.Length; i++)
        {
            program.Add(new(jumpEqual, (byte)(Denied.Length - i), 0, (uint)Denied[i]));
        }
        program.Add(new(ret, 0, 0, RetAllow));
        program.Add(new(ret, 0, 0, RetErrno | Eperm));
        return [.. program];
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    [DllImport("libc", SetLastError = true)]
    private static extern long syscall(long number, ulong operation, ulong flags, IntPtr program);

    [DllImport("libc", SetLastError = true)]
    private static extern int socket(int domain, int type, int protocol);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}

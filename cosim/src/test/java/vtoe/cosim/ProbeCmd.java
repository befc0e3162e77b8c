package vtoe.cosim;

/** s_cmd of the AssertProbe test top. */
public record ProbeCmd(int op, int arg) {}

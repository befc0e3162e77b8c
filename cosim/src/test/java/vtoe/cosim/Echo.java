package vtoe.cosim;

/** m_echo of the AssertProbe test top. */
public record Echo(int bits) {}

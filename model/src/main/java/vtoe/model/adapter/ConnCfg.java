package vtoe.model.adapter;

/** Static configuration of one connection, as CsrFile holds it (RTL {@code vtoe.rtl.ConnCfg}). */
public record ConnCfg(boolean enabled, int mode, long regionVa, long regionPa, long regionBytes) {
    public static final ConnCfg RESET = new ConnCfg(false, 0, 0, 0, 0);

    public ConnCfg withCtrl(boolean en, int m) {
        return new ConnCfg(en, m, regionVa, regionPa, regionBytes);
    }

    public ConnCfg withRegionVa(long v) {
        return new ConnCfg(enabled, mode, v, regionPa, regionBytes);
    }

    public ConnCfg withRegionPa(long v) {
        return new ConnCfg(enabled, mode, regionVa, v, regionBytes);
    }

    public ConnCfg withRegionBytes(long v) {
        return new ConnCfg(enabled, mode, regionVa, regionPa, v);
    }
}

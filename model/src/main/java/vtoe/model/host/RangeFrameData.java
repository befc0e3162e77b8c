package vtoe.model.host;

import vtoe.model.payload.Content;
import vtoe.model.payload.Span;
import vtoe.model.txn.Bytes;

/**
 * The payload-free frames: no byte is stored or copied. A frame holds whatever its owning page
 * holds, and a page of an address space that carries a stream ({@link AddressSpace#carriesStream})
 * holds that stream's bytes at its VA's offset, so a read names (stream, offset) through the same
 * page table and frame ownership the full mode's bytes follow: a frame handed to the wrong page, a
 * page-in into the wrong frame or a read of a freed frame gives the wrong stream range, which the
 * receiver's check names. What is not modelled: the copy itself (a page-in that copied the wrong
 * bytes into the right frame), and bytes written over a stream's pages by anything but the driver.
 */
public final class RangeFrameData implements FrameData {
    private Pager pager;

    /** Called by the pager that owns the frames. */
    void attach(Pager p) {
        this.pager = p;
    }

    @Override
    public void zero(long pa) {}

    @Override
    public byte[] save(long pa) {
        return null;
    }

    @Override
    public void restore(long pa, byte[] page) {}

    @Override
    public void write(long pa, byte[] data) {}

    @Override
    public Bytes read(long pa, int n) {
        Content c = null;
        long at = pa;
        long end = pa + n;
        while (at < end) {
            long pageEnd = (at & -(long) Pager.PAGE_SIZE) + Pager.PAGE_SIZE;
            int len = (int) (Math.min(end, pageEnd) - at);
            Content piece = Content.of(spanAt(at, len));
            c = c == null ? piece : c.concat(piece);
            at += len;
        }
        return Bytes.of(c);
    }

    private Span spanAt(long pa, int len) {
        Page p = pager.ownerAt(pa);
        if (p == null) {
            return new Span(Span.FREE_FRAME, pa, len);
        }
        long va = p.va() + (pa % Pager.PAGE_SIZE);
        return p.space.streamSpan(va, len);
    }

    @Override
    public byte[] readArray(long pa, int n) {
        throw new IllegalStateException("payload-free run: the application read real bytes at PA 0x" + Long.toHexString(pa)
                + "; read content instead (AddressSpace.readContent)");
    }

    @Override
    public long size() {
        return Long.MAX_VALUE;
    }
}

package io.aihub.store.jdbc;

import java.nio.charset.StandardCharsets;
import org.postgresql.util.ByteConverter;
import org.postgresql.util.PGBinaryObject;
import org.postgresql.util.PGobject;

/**
 * A {@code text[]} parameter in PostgreSQL's binary array format, sized before it is written: the
 * driver's own encoding ({@code createArrayOf}) grows a buffer element by element and copies it once
 * more at the end, which for the batches' columns of JSON texts was the largest garbage a write made.
 * Each element is encoded to UTF-8 once, here; the driver copies them into the one array it sends. A
 * connection that sends nothing in binary gets the same array as text ({@link #getValue}); where the
 * driver writes parameters into the SQL text ({@code preferQueryMode=simple}), {@link Tx} binds its own
 * arrays instead, as a binary parameter cannot be written there.
 */
final class TextArray extends PGobject implements PGBinaryObject {
    private static final int TEXT_OID = 25;
    /** Dimensions, whether any element is null, element type, length, lower bound: one int each. */
    private static final int HEADER_BYTES = 20;

    private final String[] texts;
    private final byte[][] encoded;
    private final int length;
    private final boolean hasNull;

    TextArray(String[] texts) {
        this.texts = texts;
        setType("text[]");
        encoded = new byte[texts.length][];
        int bytes = HEADER_BYTES;
        boolean nulls = false;
        for (int i = 0; i < texts.length; i++) {
            if (texts[i] == null) {
                nulls = true;
            } else {
                encoded[i] = texts[i].getBytes(StandardCharsets.UTF_8);
                bytes += encoded[i].length;
            }
            bytes += 4;
        }
        length = bytes;
        hasNull = nulls;
    }

    @Override
    public int lengthInBytes() {
        return length;
    }

    @Override
    public void toBytes(byte[] bytes, int offset) {
        ByteConverter.int4(bytes, offset, 1);
        ByteConverter.int4(bytes, offset + 4, hasNull ? 1 : 0);
        ByteConverter.int4(bytes, offset + 8, TEXT_OID);
        ByteConverter.int4(bytes, offset + 12, texts.length);
        ByteConverter.int4(bytes, offset + 16, 1);
        int at = offset + HEADER_BYTES;
        for (byte[] element : encoded) {
            if (element == null) {
                ByteConverter.int4(bytes, at, -1);
                at += 4;
            } else {
                ByteConverter.int4(bytes, at, element.length);
                System.arraycopy(element, 0, bytes, at + 4, element.length);
                at += 4 + element.length;
            }
        }
    }

    /** The array as PostgreSQL reads it in text: every element quoted, {@code NULL} bare. */
    @Override
    public String getValue() {
        StringBuilder literal = new StringBuilder(length + 2 * texts.length + 2).append('{');
        for (int i = 0; i < texts.length; i++) {
            if (i > 0) {
                literal.append(',');
            }
            if (texts[i] == null) {
                literal.append("NULL");
            } else {
                literal.append('"');
                texts[i].chars().forEach(c -> {
                    if (c == '"' || c == '\\') {
                        literal.append('\\');
                    }
                    literal.append((char) c);
                });
                literal.append('"');
            }
        }
        return literal.append('}').toString();
    }

    @Override
    public void setByteValue(byte[] value, int offset) {
        throw new UnsupportedOperationException("a text array parameter is only sent, never read");
    }
}

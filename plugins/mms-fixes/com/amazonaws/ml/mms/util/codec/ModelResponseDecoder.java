package com.amazonaws.ml.mms.util.codec;

import com.amazonaws.ml.mms.util.messages.ModelWorkerResponse;
import com.amazonaws.ml.mms.util.messages.Predictions;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a worker's response, corrected to wait until all of it has arrived.
 *
 * <p>The class of this name in multi-model-server 1.1.11 reads each prediction's status code and
 * header map without checking that those bytes have arrived. A response to a batch of requests is
 * long enough to arrive in several reads; when a read ends inside those fields the decoder fails,
 * MMS drops the worker and every request of the batch gets "Worker died". This version first
 * walks the length-prefixed fields to find where the response ends, and decodes nothing until
 * then. MMS's launcher puts its working directory first on the Java class path, so `serve` places
 * this class there, ahead of the jar's.
 *
 * <p>The response: status code, message, then per request its id, content type, HTTP status,
 * reason phrase, header count and headers, and body, each string or body a 4-byte length and
 * its bytes; a length of -1 where a request id would start ends the list.
 */
public class ModelResponseDecoder extends ByteToMessageDecoder {
    private static final int END_OF_LIST = -1;
    private static final int INCOMPLETE = -1;
    private static final int INT_BYTES = 4;

    private final int maxBufferSize;

    public ModelResponseDecoder(int maxBufferSize) {
        this.maxBufferSize = maxBufferSize;
    }

    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
        if (end(in) == INCOMPLETE) {
            return;
        }
        ModelWorkerResponse response = new ModelWorkerResponse();
        response.setCode(in.readInt());
        response.setMessage(string(in));
        List<Predictions> predictions = new ArrayList<>();
        while (in.getInt(in.readerIndex()) != END_OF_LIST) {
            Predictions prediction = new Predictions();
            prediction.setRequestId(string(in));
            prediction.setContentType(string(in));
            prediction.setStatusCode(in.readInt());
            prediction.setReasonPhrase(string(in));
            int headerCount = in.readInt();
            Map<String, String> headers = new HashMap<>();
            for (int header = 0; header < headerCount; header++) {
                headers.put(string(in), string(in));
            }
            prediction.setHeaders(headers);
            prediction.setResp(bytes(in));
            predictions.add(prediction);
        }
        in.skipBytes(INT_BYTES);
        response.setPredictions(predictions);
        out.add(response);
    }

    /** The index after the response that starts at the reader index, or INCOMPLETE. */
    private int end(ByteBuf in) {
        int at = fixed(in, in.readerIndex()); // status code
        at = block(in, at); // message
        while (at != INCOMPLETE) {
            if (!has(in, at, INT_BYTES)) {
                return INCOMPLETE;
            }
            if (in.getInt(at) == END_OF_LIST) {
                return at + INT_BYTES;
            }
            at = block(in, at); // request id
            at = block(in, at); // content type
            at = fixed(in, at); // HTTP status
            at = block(in, at); // reason phrase
            at = headers(in, at);
            at = block(in, at); // body
        }
        return INCOMPLETE;
    }

    private int headers(ByteBuf in, int at) {
        if (at == INCOMPLETE || !has(in, at, INT_BYTES)) {
            return INCOMPLETE;
        }
        int count = in.getInt(at);
        if (count < 0 || count > maxBufferSize) {
            throw new CorruptedFrameException("Invalid header count: " + count);
        }
        at += INT_BYTES;
        for (int entry = 0; entry < 2 * count && at != INCOMPLETE; entry++) {
            at = block(in, at);
        }
        return at;
    }

    private static int fixed(ByteBuf in, int at) {
        return at != INCOMPLETE && has(in, at, INT_BYTES) ? at + INT_BYTES : INCOMPLETE;
    }

    private int block(ByteBuf in, int at) {
        if (at == INCOMPLETE || !has(in, at, INT_BYTES)) {
            return INCOMPLETE;
        }
        int length = in.getInt(at);
        if (length < 0 || length > maxBufferSize) {
            throw new CorruptedFrameException("Message size exceed limit: " + length);
        }
        return has(in, at + INT_BYTES, length) ? at + INT_BYTES + length : INCOMPLETE;
    }

    private static boolean has(ByteBuf in, int at, int length) {
        return (long) at + length <= in.writerIndex();
    }

    private static String string(ByteBuf in) {
        return new String(bytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuf in) {
        byte[] value = new byte[in.readInt()];
        in.readBytes(value);
        return value;
    }
}

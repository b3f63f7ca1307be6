package autoai.sagemaker;

import java.io.IOException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.ai.mms.servingsdk.ModelServerEndpoint;

/**
 * Refuses http and https URLs in this JVM, so Multi Model Server never downloads a model.
 *
 * <p>A multi-model endpoint's load call takes a URL as well as a path, and MMS would download the
 * archive and run the handler code inside it. This class is listed as a plugin so that MMS
 * creates it at start-up, before any model is loaded; it has no {@code @Endpoint}, so it serves
 * nothing. Loopback included, which Java never sends through a proxy.
 */
public class NoModelDownloads extends ModelServerEndpoint {
    private static final Logger LOGGER = LoggerFactory.getLogger(NoModelDownloads.class);
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    public NoModelDownloads() {
        if (!INSTALLED.compareAndSet(false, true)) {
            return;
        }
        try {
            URL.setURLStreamHandlerFactory(
                    protocol ->
                            "http".equals(protocol) || "https".equals(protocol)
                                    ? new Refusing()
                                    : null);
        } catch (Error error) {
            LOGGER.warn("cannot refuse model downloads: {}", error.toString());
        }
    }

    private static final class Refusing extends URLStreamHandler {
        @Override
        protected URLConnection openConnection(URL url) throws IOException {
            throw new IOException("model downloads are disabled: " + url);
        }
    }
}

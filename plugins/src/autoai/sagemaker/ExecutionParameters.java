package autoai.sagemaker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import software.amazon.ai.mms.servingsdk.Context;
import software.amazon.ai.mms.servingsdk.ModelServerEndpoint;
import software.amazon.ai.mms.servingsdk.annotations.Endpoint;
import software.amazon.ai.mms.servingsdk.annotations.helpers.EndpointTypes;
import software.amazon.ai.mms.servingsdk.http.Request;
import software.amazon.ai.mms.servingsdk.http.Response;

/**
 * {@code GET /execution-parameters}: what SageMaker batch transform asks a container before it
 * starts. The figures are this server's own: the workers serving a model (the most any loaded
 * model has; the configured default before one is loaded), the request size limit, and the batch
 * strategy {@code serve} chose for its model ({@code SINGLE_RECORD} for a forecaster, whose
 * request is one forecast; {@code MULTI_RECORD} otherwise).
 */
@Endpoint(
        urlPattern = "execution-parameters",
        endpointType = EndpointTypes.INFERENCE,
        description = "SageMaker batch transform's execution parameters")
public class ExecutionParameters extends ModelServerEndpoint {
    private static final long MEGABYTE = 1024L * 1024L;
    private static final String MULTI_RECORD = "MULTI_RECORD";
    private static final String SINGLE_RECORD = "SINGLE_RECORD";

    @Override
    public void doGet(Request request, Response response, Context context) throws IOException {
        Properties config = context.getConfig();
        int workers =
                context.getModels().values().stream()
                        .mapToInt(model -> model.getModelWorkers().size())
                        .max()
                        .orElse((int) property(config, "default_workers_per_model", 1));
        long payloadMegabytes = property(config, "max_request_size", 6 * MEGABYTE) / MEGABYTE;
        String strategy =
                SINGLE_RECORD.equals(config.getProperty("autoai_batch_strategy"))
                        ? SINGLE_RECORD
                        : MULTI_RECORD;
        String body =
                String.format(
                        "{\"MaxConcurrentTransforms\": %d, \"BatchStrategy\": \"%s\","
                                + " \"MaxPayloadInMB\": %d}\n",
                        Math.max(1, workers), strategy, Math.max(1, payloadMegabytes));
        response.setStatus(200);
        response.setContentType("application/json");
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void doPost(Request request, Response response, Context context) throws IOException {
        methodNotAllowed(response);
    }

    @Override
    public void doPut(Request request, Response response, Context context) throws IOException {
        methodNotAllowed(response);
    }

    @Override
    public void doDelete(Request request, Response response, Context context) throws IOException {
        methodNotAllowed(response);
    }

    private static void methodNotAllowed(Response response) throws IOException {
        response.setStatus(405, "Method Not Allowed");
        response.setHeader("Allow", "GET");
        response.setContentType("text/plain");
        response.getOutputStream()
                .write("/execution-parameters answers GET only\n".getBytes(StandardCharsets.UTF_8));
    }

    private static long property(Properties config, String name, long fallback) {
        String value = config.getProperty(name);
        if (value == null || value.trim().isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException error) {
            return fallback;
        }
    }
}

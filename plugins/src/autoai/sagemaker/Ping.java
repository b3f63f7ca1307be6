package autoai.sagemaker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import software.amazon.ai.mms.servingsdk.Context;
import software.amazon.ai.mms.servingsdk.Model;
import software.amazon.ai.mms.servingsdk.ModelServerEndpoint;
import software.amazon.ai.mms.servingsdk.Worker;
import software.amazon.ai.mms.servingsdk.annotations.Endpoint;
import software.amazon.ai.mms.servingsdk.annotations.helpers.EndpointTypes;
import software.amazon.ai.mms.servingsdk.http.Request;
import software.amazon.ai.mms.servingsdk.http.Response;

/**
 * {@code GET /ping}: 200 only once the server can score. SageMaker routes traffic to a container
 * at its first 200, and Multi Model Server's own ping answers 200 as soon as its port is open,
 * while the workers are still loading the pipeline. Here a single-model server is healthy when
 * every model it serves has a worker that has loaded it (our handler scores the model's sample
 * row before it reports the load done); until then, 503. A multi-model endpoint is healthy as
 * soon as it listens: its models come later, by load calls.
 */
@Endpoint(
        urlPattern = "ping",
        endpointType = EndpointTypes.INFERENCE,
        description = "healthy once a worker of every model can score")
public class Ping extends ModelServerEndpoint {
    static final String MULTI_MODEL_PROPERTY = "autoai_multi_model";

    @Override
    public void doGet(Request request, Response response, Context context) throws IOException {
        boolean multiModel = "true".equals(context.getConfig().getProperty(MULTI_MODEL_PROPERTY));
        Collection<Model> models = context.getModels().values();
        boolean ready = multiModel || (!models.isEmpty() && models.stream().allMatch(Ping::loaded));
        response.setStatus(ready ? 200 : 503, ready ? "OK" : "Service Unavailable");
        response.setContentType("application/json");
        String status = ready ? "Healthy" : "Loading";
        response.getOutputStream()
                .write(("{\"status\": \"" + status + "\"}\n").getBytes(StandardCharsets.UTF_8));
    }

    private static boolean loaded(Model model) {
        return model.getModelWorkers().stream().anyMatch(Worker::isRunning);
    }
}

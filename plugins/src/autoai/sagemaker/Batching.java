package autoai.sagemaker;

import com.amazonaws.ml.mms.wlm.Model;
import com.amazonaws.ml.mms.wlm.ModelManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import software.amazon.ai.mms.servingsdk.Context;
import software.amazon.ai.mms.servingsdk.ModelServerEndpoint;
import software.amazon.ai.mms.servingsdk.annotations.Endpoint;
import software.amazon.ai.mms.servingsdk.annotations.helpers.EndpointTypes;
import software.amazon.ai.mms.servingsdk.http.Request;
import software.amazon.ai.mms.servingsdk.http.Response;

/**
 * {@code PUT /batching?model=NAME&batch_size=N&max_batch_delay=MS} on the management API: sets
 * how many queued requests a worker of a registered model takes at once, and how long it waits
 * for more when the queue runs dry. Multi Model Server takes both only from its registration API,
 * and gives a model named at start-up a batch size of 1; this sets them on that model afterwards.
 */
@Endpoint(
        urlPattern = "batching",
        endpointType = EndpointTypes.MANAGEMENT,
        description = "Set a registered model's batch size and maximum batch delay")
public class Batching extends ModelServerEndpoint {
    private static final int MAX_BATCH_SIZE = 1024;
    private static final int MAX_DELAY_MS = 10_000;

    @Override
    public void doPut(Request request, Response response, Context context) throws IOException {
        String name = single(request, "model");
        Integer batchSize = number(request, "batch_size", 1, MAX_BATCH_SIZE);
        Integer delay = number(request, "max_batch_delay", 0, MAX_DELAY_MS);
        if (name == null || batchSize == null || delay == null) {
            answer(
                    response,
                    400,
                    "give model, batch_size (1 to 1024) and max_batch_delay (0 to 10000 ms)");
            return;
        }
        Model model = ModelManager.getInstance().getModels().get(name);
        if (model == null) {
            answer(response, 404, "no model " + name);
            return;
        }
        model.setBatchSize(batchSize);
        model.setMaxBatchDelay(delay);
        answer(
                response,
                200,
                "model " + name + ": batch_size " + batchSize + ", max_batch_delay " + delay + " ms");
    }

    private static String single(Request request, String name) {
        List<String> values = request.getParameter(name);
        return values == null || values.size() != 1 ? null : values.get(0);
    }

    private static Integer number(Request request, String name, int least, int most) {
        String value = single(request, name);
        if (value == null) {
            return null;
        }
        try {
            int number = Integer.parseInt(value.trim());
            return number < least || number > most ? null : number;
        } catch (NumberFormatException error) {
            return null;
        }
    }

    private static void answer(Response response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain");
        response.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
    }
}

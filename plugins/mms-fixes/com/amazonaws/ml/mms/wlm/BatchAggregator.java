package com.amazonaws.ml.mms.wlm;

import com.amazonaws.ml.mms.util.ConfigManager;
import com.amazonaws.ml.mms.util.messages.BaseModelRequest;
import com.amazonaws.ml.mms.util.messages.InputParameter;
import com.amazonaws.ml.mms.util.messages.ModelInferenceRequest;
import com.amazonaws.ml.mms.util.messages.ModelLoadModelRequest;
import com.amazonaws.ml.mms.util.messages.ModelWorkerResponse;
import com.amazonaws.ml.mms.util.messages.Predictions;
import com.amazonaws.ml.mms.util.messages.RequestInput;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers a worker's next batch of jobs and hands their answers back, with batches capped by the
 * bytes of their request bodies as well as by count, and filled without waiting.
 *
 * <p>The class of this name in multi-model-server 1.1.11 caps a batch by count only, and the
 * first worker to poll takes every job already queued. Concurrent large requests (batch transform
 * sends as many at once as there are workers) then all go to one worker while the others idle.
 * Here, once a batch holds {@code max_batch_bytes} (an MMS config property) of request bodies,
 * the jobs after it go back to the front of the queue, in order, for the next worker; a batch
 * always takes its first job.
 *
 * <p>MMS's {@code Model.pollBatch} waits up to the model's batch delay for each further job, and
 * with a delay of 0 stops at two jobs. With a delay of 0, this class then also takes the jobs
 * already queued, up to the batch size: a lone request never waits, and under load a batch holds
 * whatever queued while the workers were busy. (The queue is read through reflection on
 * {@code Model}'s private job table; if that fails, batching stays MMS's.)
 *
 * <p>MMS takes a model's batch size and delay only from its registration API, and gives a model
 * named at start-up, or loaded by SageMaker on a multi-model endpoint, a batch size of 1. So each
 * aggregator first gives its model the batch size and delay `serve` configured (the MMS config
 * properties {@code autoai_batch_size} and {@code autoai_max_batch_delay}), before the model's
 * first request; a batch size of 1 leaves MMS's settings alone.
 *
 * <p>The rest is MMS's behaviour: a load command travels alone, each prediction answers its own
 * job, and a failed batch fails (or requeues) all of its jobs. MMS's launcher puts its working
 * directory first on the Java class path; `serve` places this class there, ahead of the jar's.
 */
public class BatchAggregator {
    private static final Logger LOGGER = LoggerFactory.getLogger(BatchAggregator.class);
    private static final long DEFAULT_MAX_BATCH_BYTES = 64 * 1024;

    private final Model model;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final long maxBatchBytes;
    private final LinkedBlockingDeque<Job> queue;

    public BatchAggregator(Model model) {
        this.model = model;
        this.maxBatchBytes = property("max_batch_bytes", DEFAULT_MAX_BATCH_BYTES);
        this.queue = dataQueue(model);
        configureBatching(model);
    }

    public BaseModelRequest getRequest(String threadName, WorkerState state)
            throws InterruptedException {
        jobs.clear();
        long wait = state == WorkerState.WORKER_MODEL_LOADED ? 0L : Long.MAX_VALUE;
        model.pollBatch(threadName, wait, jobs);
        if (model.getMaxBatchDelay() == 0) {
            takeQueued();
        }
        requeueBeyondByteCap();
        ModelInferenceRequest request = new ModelInferenceRequest(model.getModelName());
        for (Job job : jobs.values()) {
            if (job.isControlCmd()) {
                if (jobs.size() > 1) {
                    throw new IllegalStateException("a control command must travel alone");
                }
                String gpu = job.getPayload().getStringParameter("gpu");
                int gpuId = gpu == null ? -1 : Integer.parseInt(gpu);
                return new ModelLoadModelRequest(model, gpuId, threadName);
            }
            job.setScheduled();
            request.addRequest(job.getPayload());
        }
        return request;
    }

    public void sendResponse(ModelWorkerResponse message) {
        if (message.getCode() != 200) {
            HttpResponseStatus status = HttpResponseStatus.valueOf(message.getCode());
            for (Job job : jobs.values()) {
                job.sendError(status, message.getMessage());
            }
            jobs.clear();
            return;
        }
        for (Predictions prediction : message.getPredictions()) {
            Job job = jobs.remove(prediction.getRequestId());
            if (job == null) {
                throw new IllegalStateException("Unexpected job: " + prediction.getRequestId());
            }
            job.response(
                    prediction.getResp(),
                    prediction.getContentType(),
                    prediction.getStatusCode(),
                    prediction.getReasonPhrase(),
                    prediction.getHeaders());
        }
    }

    public void sendError(BaseModelRequest message, String error, HttpResponseStatus status) {
        if (message instanceof ModelLoadModelRequest) {
            LOGGER.warn("Load model failed: {}, error: {}", message.getModelName(), error);
            return;
        }
        if (message == null) {
            // The worker died before the batch was sent: its jobs go to another worker.
            for (Job job : new ArrayList<>(jobs.values())) {
                if (job.isControlCmd()) {
                    job.sendError(status, error);
                } else {
                    model.addFirst(job);
                }
            }
            jobs.clear();
            return;
        }
        for (RequestInput input : ((ModelInferenceRequest) message).getRequestBatch()) {
            Job job = jobs.remove(input.getRequestId());
            if (job == null) {
                LOGGER.error("Unexpected job: {}", input.getRequestId());
            } else {
                job.sendError(status, error);
            }
        }
        if (!jobs.isEmpty()) {
            jobs.clear();
            LOGGER.error("Not all jobs get response.");
        }
    }

    /** Adds the jobs already queued to the batch, up to the batch size, without waiting. */
    private void takeQueued() {
        if (jobs.isEmpty() || jobs.values().iterator().next().isControlCmd()) {
            return;
        }
        while (queue != null && jobs.size() < model.getBatchSize()) {
            Job job = queue.pollFirst();
            if (job == null) {
                return;
            }
            jobs.put(job.getJobId(), job);
        }
    }

    @SuppressWarnings("unchecked")
    private static LinkedBlockingDeque<Job> dataQueue(Model model) {
        try {
            Field table = Model.class.getDeclaredField("jobsDb");
            table.setAccessible(true);
            return ((Map<String, LinkedBlockingDeque<Job>>) table.get(model))
                    .get(Model.DEFAULT_DATA_QUEUE);
        } catch (ReflectiveOperationException | RuntimeException error) {
            LOGGER.warn("cannot read the job queue, batches wait as MMS's do: {}", error.toString());
            return null;
        }
    }

    /** Puts the jobs after the byte cap back at the front of the queue, in their order. */
    private void requeueBeyondByteCap() {
        long bytes = 0;
        boolean first = true;
        List<Job> beyond = new ArrayList<>();
        Iterator<Job> batch = jobs.values().iterator();
        while (batch.hasNext()) {
            Job job = batch.next();
            if (job.isControlCmd()) {
                return;
            }
            long size = bodyBytes(job.getPayload());
            if (!beyond.isEmpty() || (!first && bytes + size > maxBatchBytes)) {
                beyond.add(job);
                batch.remove();
            } else {
                bytes += size;
            }
            first = false;
        }
        for (int index = beyond.size() - 1; index >= 0; index--) {
            model.addFirst(beyond.get(index));
        }
    }

    private static long bodyBytes(RequestInput input) {
        long bytes = 0;
        for (InputParameter parameter : input.getParameters()) {
            byte[] value = parameter.getValue();
            bytes += value == null ? 0 : value.length;
        }
        return bytes;
    }

    /** Sets the model's configured batch size and delay, once per model (its workers share it). */
    private static void configureBatching(Model model) {
        int batchSize = (int) property("autoai_batch_size", 1);
        int delay = (int) property("autoai_max_batch_delay", model.getMaxBatchDelay());
        synchronized (model) {
            if (batchSize <= 1
                    || (model.getBatchSize() == batchSize && model.getMaxBatchDelay() == delay)) {
                return;
            }
            model.setBatchSize(batchSize);
            model.setMaxBatchDelay(delay);
        }
        LOGGER.info(
                "micro-batching model {}: batch_size {}, max_batch_delay {} ms",
                model.getModelName(),
                batchSize,
                delay);
    }

    /** A whole-number MMS config property (`serve` writes and checks them), or the fallback. */
    private static long property(String name, long fallback) {
        String value = ConfigManager.getInstance().getConfiguration().getProperty(name);
        try {
            return value == null ? fallback : Long.parseLong(value.trim());
        } catch (NumberFormatException error) {
            return fallback;
        }
    }
}

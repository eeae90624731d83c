package dev.visage.jobs;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Admin endpoints that train new models in the background; they need the admin bearer token. */
@RestController
@RequestMapping("/train")
@Tag(name = "Training", description = "Background training jobs; one runs at a time")
@ApiResponse(responseCode = "401", description = "Missing or wrong admin token")
class TrainingController {

    private final TrainingJobs jobs;

    TrainingController(TrainingJobs jobs) {
        this.jobs = jobs;
    }

    @PostMapping
    @Operation(
            summary = "Start a training job",
            description = "Trains with the configured defaults, overridden by the optional body. The new model is "
                    + "stored as a candidate; with promote auto (the default) it goes into service if it passes "
                    + "the quality gate and its self-test, with force if it passes its self-test, with never not "
                    + "at all. The job's result says which, and why.")
    @ApiResponse(responseCode = "202", description = "Queued; Location is the job")
    @ApiResponse(
            responseCode = "400",
            description = "Invalid override, unknown field or a fraction where a whole number belongs; the problem "
                    + "names the field")
    @ApiResponse(
            responseCode = "409",
            description = "A job is queued or running, here (the problem has its jobId) or on another instance "
                    + "sharing the model store (the problem names it), or fromBase while no face base is stored "
                    + "(no-face-base)")
    @ApiResponse(responseCode = "413", description = "Body over " + TrainingRequestLimit.LIMIT_KIB + " KiB")
    ResponseEntity<TrainingJobView> start(@RequestBody(required = false) @Valid TrainingRequest request) {
        TrainingJobView job = jobs.submit(request == null ? TrainingRequest.DEFAULTS : request);
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri()
                .path("/{id}")
                .buildAndExpand(job.id())
                .toUri();
        return ResponseEntity.accepted().location(location).body(job);
    }

    @GetMapping
    @Operation(summary = "Recent training jobs, newest first")
    List<TrainingJobView> recent() {
        return jobs.recent();
    }

    @GetMapping("/{id}")
    @Operation(summary = "A training job's state and progress")
    @ApiResponse(responseCode = "200", description = "The job")
    @ApiResponse(responseCode = "404", description = "No such job")
    TrainingJobView job(@PathVariable String id) {
        return jobs.find(id).orElseThrow(() -> new TrainingJobNotFoundException(id));
    }

    @DeleteMapping("/{id}")
    @Operation(
            summary = "Cancel a training job",
            description = "A queued job is cancelled at once (200); a running one stops at its next batch (202). "
                    + "The store and the served model stay as they were.")
    @ApiResponse(responseCode = "200", description = "Cancelled")
    @ApiResponse(responseCode = "202", description = "Cancellation requested; poll the job")
    @ApiResponse(responseCode = "404", description = "No such job")
    @ApiResponse(responseCode = "409", description = "The job has already finished")
    ResponseEntity<TrainingJobView> cancel(@PathVariable String id) {
        TrainingJobView job = jobs.cancel(id).orElseThrow(() -> new TrainingJobNotFoundException(id));
        HttpStatus status = job.state().isFinished() ? HttpStatus.OK : HttpStatus.ACCEPTED;
        return ResponseEntity.status(status).body(job);
    }
}

package dev.visage.serving;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Admin endpoints over the store's versions; they need the admin bearer token. */
@RestController
@RequestMapping(path = "/models", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Model versions", description = "The stored versions: promote, roll back, delete")
@ApiResponse(responseCode = "401", description = "Missing or wrong admin token")
class ModelsController {

    private final ModelVersions versions;

    ModelsController(ModelVersions versions) {
        this.versions = versions;
    }

    @GetMapping
    @Operation(
            summary = "Every stored version with its test figures and status, which one is current, which one "
                    + "this instance serves, the roll-back target and the training lock")
    ModelsView list() {
        return versions.list();
    }

    @PostMapping("/{version}/promote")
    @Operation(
            summary = "Make a version current",
            description = "Loads it and runs its checks (SHA-256 of its files) and self-test first; this instance "
                    + "serves it at once, the others within visage.models.poll-interval. No quality gate: this is "
                    + "the operator's decision.")
    @ApiResponse(responseCode = "200", description = "Promoted; the versions after the change")
    @ApiResponse(responseCode = "404", description = "No such version")
    @ApiResponse(responseCode = "422", description = "The version fails its checks or self-test; the problem says why")
    ModelsView promote(@PathVariable String version) {
        versions.promote(version);
        return versions.list();
    }

    @PostMapping("/rollback")
    @Operation(
            summary = "Make the previous current version current again",
            description = "Through the same checks and self-test as a promotion.")
    @ApiResponse(responseCode = "200", description = "Rolled back; the versions after the change")
    @ApiResponse(responseCode = "409", description = "No earlier version to roll back to")
    @ApiResponse(responseCode = "422", description = "The previous version fails its checks or self-test")
    ModelsView rollBack() {
        versions.rollBack();
        return versions.list();
    }

    @DeleteMapping("/{version}")
    @Operation(summary = "Delete a version that is not current (nor served by this instance)")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "404", description = "No such version")
    @ApiResponse(responseCode = "409", description = "The version is current, or serves on this instance")
    ResponseEntity<Void> delete(@PathVariable String version) {
        versions.delete(version);
        return ResponseEntity.noContent().build();
    }
}

package dev.visage.identify;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** {@code POST /identify}: who is in this photo? */
@RestController
class IdentifyController {

    private final IdentificationService identification;
    private final IdentifyProperties properties;

    IdentifyController(IdentificationService identification, IdentifyProperties properties) {
        this.identification = identification;
        this.properties = properties;
    }

    @Operation(
            summary = "Identify every face in a photo",
            description = "Upload a JPEG, PNG, BMP or GIF as the multipart field 'image'. The answer lists every face"
                    + " found (largest first) with its box and the most likely person, or 'unknown' when the model is"
                    + " not confident enough; the top-level fields describe the largest identified face.")
    @ApiResponse(responseCode = "200", description = "The faces, people and top candidates")
    @ApiResponse(responseCode = "400", description = "No image, an empty file, or not a readable image")
    @ApiResponse(responseCode = "413", description = "Upload or image dimensions too large")
    @ApiResponse(responseCode = "415", description = "An image type other than JPEG, PNG, BMP or GIF")
    @ApiResponse(
            responseCode = "503",
            description =
                    "No model loaded yet, or busy: the memory for uploads or decoding is in use (see Retry-After)")
    @PostMapping(
            path = "/identify",
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Identification identify(
            @Parameter(
                            description = "The photo",
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
                                            schema = @Schema(type = "string", format = "binary")))
                    @RequestPart(name = "image", required = false)
                    MultipartFile image,
            @Parameter(description = "How many candidates to return (default 3)")
                    @RequestParam(name = "top", required = false)
                    @Min(1)
                    @Max(1000)
                    Integer top,
            @Parameter(description = "Also return each face crop the model saw, as a PNG data URL")
                    @RequestParam(name = "crop", defaultValue = "false")
                    boolean crop,
            @Parameter(description = "Look for faces (default); false takes the centred crop of an aligned photo")
                    @RequestParam(name = "detect", defaultValue = "true")
                    boolean detect)
            throws IOException {
        if (image == null) {
            throw ImageRejectedException.missing(
                    "The request has no part named 'image': send the photo as the multipart field 'image'");
        }
        // With Visage's multipart resolver this is the array the upload was read into, not a copy.
        return identification.identify(image.getBytes(), top == null ? properties.defaultTop() : top, crop, detect);
    }
}

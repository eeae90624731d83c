package dev.visage.identify;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.multipart.MultipartResolver;
import org.springframework.web.multipart.support.DefaultMultipartHttpServletRequest;

/**
 * Spring MVC's view of an {@link Upload}: the image as a {@link MultipartFile} whose {@code getBytes()} is the array
 * the body was read into (no copy), and the text fields as request parameters. Only bodies that
 * {@link UploadReadingFilter} read are multipart here: no request thread ever waits for a body, neither for an
 * error page's dispatch after an upload broke off (200 of those once held every request thread for the connection
 * timeout) nor for a multipart request with another method than POST, which Spring then answers as any request.
 * Refusals the filter recorded are thrown here, inside Spring MVC, so they become problems.
 */
final class UploadMultipartResolver implements MultipartResolver {

    private static final String UPLOAD = UploadMultipartResolver.class.getName() + ".upload";

    @Override
    public boolean isMultipart(HttpServletRequest request) {
        return request.getAttribute(UploadReadingFilter.RESULT) != null;
    }

    @Override
    public MultipartHttpServletRequest resolveMultipart(HttpServletRequest request) {
        Object result = request.getAttribute(UploadReadingFilter.RESULT);
        if (result instanceof RuntimeException refused) {
            throw refused;
        }
        Upload upload = (Upload) result;
        request.setAttribute(UPLOAD, upload);
        MultiValueMap<String, MultipartFile> files = new LinkedMultiValueMap<>();
        if (upload.image() != null) {
            files.add(MultipartReader.IMAGE_PART, new ImageFile(upload.image()));
        }
        Map<String, String[]> parameters = new LinkedHashMap<>();
        upload.fields().forEach((name, value) -> parameters.put(name, new String[] {value}));
        return new DefaultMultipartHttpServletRequest(request, files, parameters, Map.of());
    }

    @Override
    public void cleanupMultipart(MultipartHttpServletRequest request) {
        if (request.getAttribute(UPLOAD) instanceof Upload upload) {
            upload.close();
        }
    }

    /** The uploaded image as Spring's MultipartFile, over the array it was read into. */
    private record ImageFile(Upload.Image image) implements MultipartFile {

        @Override
        public String getName() {
            return MultipartReader.IMAGE_PART;
        }

        @Override
        public String getOriginalFilename() {
            return image.fileName();
        }

        @Override
        public String getContentType() {
            return image.contentType();
        }

        @Override
        public boolean isEmpty() {
            return image.bytes().length == 0;
        }

        @Override
        public long getSize() {
            return image.bytes().length;
        }

        /** The bytes as read from the connection: the same array each time, not a copy. */
        @Override
        public byte[] getBytes() {
            return image.bytes();
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(image.bytes());
        }

        @Override
        public void transferTo(File dest) throws IOException {
            Files.write(dest.toPath(), image.bytes());
        }

        @Override
        public void transferTo(Path dest) throws IOException {
            Files.write(dest, image.bytes());
        }
    }
}

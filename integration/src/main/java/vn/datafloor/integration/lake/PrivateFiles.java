package vn.datafloor.integration.lake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Scratch and staging space holds clear personal data (names, ID numbers): directories 0700 and
 * files 0600, where the file system has POSIX permissions. A file that some library creates with the
 * default mode inside such a directory is still out of other users' reach.
 */
public final class PrivateFiles {

    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    /** Creates {@code directory} (and missing parents, with default modes) and makes the directory itself 0700. */
    public static Path createDirectory(Path directory) throws IOException {
        Files.createDirectories(directory);
        restrict(directory, DIRECTORY);
        return directory;
    }

    /** Makes an existing file 0600; nothing when it does not exist or the file system has no POSIX modes. */
    public static void restrictFile(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            restrict(file, FILE);
        }
    }

    private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }
}

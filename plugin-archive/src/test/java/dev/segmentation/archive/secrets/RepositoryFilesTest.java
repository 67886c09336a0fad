package dev.segmentation.archive.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the repository root and listing its files without git's help. */
class RepositoryFilesTest {

    @TempDir
    Path tree;

    @Test
    void rootIsTheNearestDirectoryHoldingGitAsAFolderOrAWorktreeFile() throws IOException {
        Path nested = Files.createDirectories(tree.resolve("clone/module/src"));
        Files.createDirectories(tree.resolve("clone/.git"));
        assertThat(RepositoryFiles.root(nested)).isEqualTo(tree.resolve("clone"));

        Files.writeString(tree.resolve("clone/module/.git"), "gitdir: /elsewhere/worktrees/module\n");
        assertThat(RepositoryFiles.root(nested)).isEqualTo(tree.resolve("clone/module"));
    }

    @Test
    void rootOutsideAnyRepositoryIsAnError() {
        assertThatThrownBy(() -> RepositoryFiles.root(Path.of("/"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void walkSkipsBuildOutputVersionControlStackDataAndNodeModules() throws IOException {
        for (String file : new String[] {"README.md", "module/src/App.java", "module/target/App.class",
                ".git/config", ".pipeline/secrets/postgres-password", "ui/node_modules/lib/index.js"}) {
            Files.createDirectories(tree.resolve(file).getParent());
            Files.writeString(tree.resolve(file), "x");
        }

        assertThat(RepositoryFiles.walk(tree)).containsExactly(Path.of("README.md"), Path.of("module/src/App.java"));
    }

    @Test
    void committedFallsBackToTheWalkWhereGitKnowsNoRepository() throws IOException {
        // An empty .git folder makes a root, but not a repository git can list.
        Files.createDirectories(tree.resolve(".git"));
        Files.writeString(tree.resolve("pom.xml"), "<project/>");

        assertThat(RepositoryFiles.committed(tree)).containsExactly(Path.of("pom.xml"));
    }
}

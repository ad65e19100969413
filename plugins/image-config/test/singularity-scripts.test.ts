import { testCheck } from "@checks/plugin-tester";
import { singularityScripts } from "../src/singularity-scripts.js";

const DEFINITION = `Bootstrap: docker
From: debian:bookworm

%post
    apt-get update && apt-get install -y curl
    # curl https://example.org/x | sh
`;

testCheck(singularityScripts, {
  valid: [
    { name: "clean definition", image: { singularity: { definition: DEFINITION, runscript: '#!/bin/sh\nexec /opt/app/run "$@"\n' } } },
    { name: "not a singularity image", image: { files: {} } },
  ],
  invalid: [
    {
      name: "dist-upgrade and installer in %post",
      image: { singularity: { definition: DEFINITION + "    apt-get -y dist-upgrade\n    curl -fsSL https://get.example.org | bash\n" } },
      findings: [
        { messageId: "distUpgrade", data: { source: "definition file", line: 7 } },
        { messageId: "pipeToShell", data: { source: "definition file", line: 8 } },
      ],
    },
    {
      name: "runscript downloads at every start",
      image: { singularity: { runscript: "#!/bin/sh\ncurl -s https://x.example/boot.sh | sh\n" } },
      findings: [{ messageId: "pipeToShell", severity: "high", data: { source: "runscript", line: 2 } }],
    },
    {
      name: "sudo in a startscript",
      image: { singularity: { startscript: "#!/bin/sh\nsudo /usr/sbin/nginx\n" } },
      findings: [{ messageId: "sudo", data: { source: "startscript", line: 2 } }],
    },
  ],
});

/** The CLI's help text, in one place. */
export const USAGE = `Usage: hearth <command> [options]

Commands:
  plugins [--json]                       List plugins: id, name, version, file types, state, settings schema.
  devices [--json]                       List the CPU and the GPUs Hearth can use, with their memory.
  models list [--json]                   List the model files in <data-dir>/models and the added folders,
                                         with format, architecture, context length, size and plugins.
  models catalogue [--json]              Recommended models, with whether each fits this machine's GPU.
  models pull URL|ID [options]           Download a model (a URL, or a catalogue ID) into <data-dir>/models;
                                         resumes a stopped one. A plugin with no model yet takes it.
      --name NAME                        The file name to give it (default: the URL's last part).
      --sha256 HEX                       Check the download against this checksum.
      --json                             Progress as JSON lines, then {"type":"model","ok":…,"path":…}.
  runtimes [--json]                      Optional runtimes: whether the CUDA builds of llama.cpp and
                                         whisper.cpp are offered (an NVIDIA GPU and no CUDA build yet),
                                         downloading or installed, and which of NVIDIA's CUDA runtime
                                         libraries they need (not part of the download) were not found.
  runtimes pull cuda [--json]            Download the CUDA builds into <data-dir>/runtimes (checked against
                                         their sha512); resumes a stopped one. Text generation and
                                         transcription then use them if NVIDIA's CUDA runtime is installed.
  run [--plugin ID] [options] FILE|DIR…  Run one job per file and print the output as it streams; folders
                                         are walked like a drop (hidden files skipped). The last line on
                                         stderr counts the files: "40 files: 38 succeeded, 2 failed".
      --plugin ID                        The plugin to run (default: the only plugin that reads the files).
      --set key=value                    Override a setting for this run only (repeatable; JSON values
                                         such as 3 or true are parsed, anything else is a string).
      --json                             One JSON event per line (worker, chunk, progress, result).
      --timeout SEC                      Fail a job that runs longer than SEC seconds.
      --verbose                          Print the worker's log to stderr.
  watch DIR --plugin ID [options]        Watch a folder until Ctrl-C: each file that appears or changes there
                                         becomes one job once it stops growing, with one result line each
                                         (hidden and partial files, subfolders and files the plugin does not
                                         read are left alone). Files done are remembered for the next watch.
      --out DIR                          Write each job's output file into DIR.
      --format FMT                       Which of the plugin's formats --out writes (as for run).
      --set key=value                    Override a setting (as for run).
      --json                             One {"type":"result",…} line per file, as run --json prints them.
  serve [--host 127.0.0.1] [--port N]    Serve the Hearth UI to a browser (prints the URL with its token).

Options for every command:
  --data-dir DIR     Hearth's data folder (default: $HEARTH_DATA_DIR, else the per-user folder).
  -h, --help         Show this help.
  --version          Print Hearth's version.

Exit status: 0 when everything succeeded, 1 when a job failed, 2 for a usage error
(watch: 130 when Ctrl-C cut jobs short; they run again next time).`;

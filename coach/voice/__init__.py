"""Voice: microphone in, offline recognition, speech out. Imported only in voice mode.

Every piece sits behind a small interface so the session loop can be tested with files
instead of a sound card, and engines can be swapped:

- `format.py`   AudioFormat and AudioBlock: audio always travels with its format.
- `audio.py`    sounddevice input and output streams, device listing and choice, WAV files.
- `endpoint.py` when the person has finished speaking (voice-activity detection + pauses).
- `grammar.py`  the phrases a dialog state expects, for grammar-constrained recognition.
- `asr.py`      the Recogniser interface, with PocketSphinx and Vosk engines.
- `moonshine.py` Moonshine tiny English for open answers (weights inside its wheel).
- `engines.py`  which engine hears which question, and loading them (`--engine`).
- `tts.py`      speech out: pyttsx3 renders each sentence, sounddevice plays it.
- `models.py`   speech models: list, download (verified, atomic), remove.
"""

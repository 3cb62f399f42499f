"Sentence pipeline: papermill run of the tutorial, the command lines (train, predict, python -m), config and data errors, one encoder call per batch."
import json, subprocess, sys
from pathlib import Path
import numpy as np, pandas as pd, pytest, yaml, papermill as pm
from conftest import mtl, check_run_record

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT/'nbs'/'tutorials'/'sentence_heads.ipynb'

def _config(folder, **sections):
    from mtl_bio.text.data import example_config
    return example_config(folder, **{'train': {'epochs': 10, 'quiet': True}, **sections})

def test_tutorial(tmp_path):
    "The heads beat the majority class on held-out sentences, with and without missing labels"
    pm.execute_notebook(str(NB), str(tmp_path/'out.ipynb'), kernel_name='python3', progress_bar=False,
                        parameters={'out_dir': str(tmp_path/'nb'), 'epochs': 15})
    m = json.loads((tmp_path/'nb'/'run'/'metrics.json').read_text())['test']
    for task in ('topic', 'sentiment'):
        assert m[task]['n'] == 54 and m[task]['accuracy'] > m[task]['baseline']['accuracy'] + 0.3, (task, m[task])
    for task in ('topic', 'sentiment'):
        p = pd.read_csv(tmp_path/'nb'/'predictions'/f'{task}.csv')
        assert len(p) == 270 and list(p.columns[:2]) == ['text', 'label']
    mm = json.loads((tmp_path/'nb'/'run_masked'/'metrics.json').read_text())['test']
    assert mm['sentiment']['n'] < mm['topic']['n']

def test_cli_train_predict_files(tmp_path):
    "text-train writes the run folder; text-predict and python -m mtl_bio.text write the configured CSV per task"
    conf = _config(tmp_path, output={'dir': 'preds', 'files': {'sentiment': 'elsewhere/mood.csv'}})
    r = mtl('text-train', '--config', conf)
    assert r.returncode == 0, r.stderr
    run = tmp_path/'run'
    for f in ('model.pt', 'labels.json', 'metrics.json', 'text_config.yaml', 'history.csv'): assert (run/f).exists(), f
    check_run_record(run, 'text-train')
    assert json.loads((run/'labels.json').read_text())['topic']['labels'] == {'food': 0, 'research': 1, 'sport': 2}
    new = pd.DataFrame({'text': ['The soup was cold and bland.', 'We lost the final again.', 'The assay ran overnight.'], 'id': [7, 8, 9]})
    new.to_csv(tmp_path/'new.csv', index=False)
    r = mtl('text-predict', '--config', conf, '--data', tmp_path/'new.csv')
    assert r.returncode == 0, r.stderr
    topic, mood = pd.read_csv(tmp_path/'preds'/'topic.csv'), pd.read_csv(tmp_path/'elsewhere'/'mood.csv')
    assert topic.columns.tolist() == ['text', 'label', 'prob_food', 'prob_research', 'prob_sport']
    assert mood.columns.tolist() == ['text', 'label', 'prob_negative', 'prob_neutral', 'prob_positive']
    assert topic.text.tolist() == new.text.tolist() and np.allclose(topic.filter(like='prob_').sum(1), 1, atol=1e-5)
    # the checkpoint alone gives the same numbers in Python
    from mtl_bio.text.train import predict_text
    again = predict_text(run, new)
    assert np.allclose(again['topic'].filter(like='prob_').to_numpy(), topic.filter(like='prob_').to_numpy(), atol=1e-5)
    # existing outputs are refused, nothing is rewritten
    before = (tmp_path/'preds'/'topic.csv').read_bytes()
    r = mtl('text-predict', '--config', conf, '--data', tmp_path/'new.csv')
    assert r.returncode == 2 and "topic.csv': exists; pass --overwrite" in r.stderr
    assert (tmp_path/'preds'/'topic.csv').read_bytes() == before
    # the original usage, from the config's folder
    r = subprocess.run([sys.executable, '-m', 'mtl_bio.text', '--config', 'config.yaml', '--overwrite'], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert len(pd.read_csv(tmp_path/'preds'/'topic.csv')) == 270   # data.input of the config: the example sentences

def test_config_and_data_errors(tmp_path):
    "Clear errors naming file, key, column or row; nothing is written"
    from mtl_bio.text.data import example_sentences
    base = yaml.safe_load(_config(tmp_path).read_text())
    def run(cfg, *extra, cmd='text-train'):
        p = tmp_path/'c.yaml'; p.write_text(yaml.safe_dump(cfg) if isinstance(cfg, dict) else cfg)
        return mtl(cmd, '--config', p, *extra)
    r = run({**base, 'tasks': [base['tasks'][0], {**base['tasks'][1], 'name': 'topic'}]})
    assert r.returncode == 2 and "c.yaml', column 'tasks[1].name': task 'topic' is named twice" in r.stderr
    r = run("tasks:\n  topic: {labels: [a, b]}\n  topic: {labels: [c, d]}\n")
    assert r.returncode == 2 and "key 'topic' is given twice" in r.stderr
    ex = example_sentences()
    ex.loc[5, 'text'] = ' '; ex.to_csv(tmp_path/'empty.csv', index=False)
    r = run({**base, 'train': {**base['train'], 'data': 'empty.csv'}})
    assert r.returncode == 2 and "empty.csv', column 'text', row 7: empty text" in r.stderr
    example_sentences().drop(columns='sentiment').to_csv(tmp_path/'nocol.csv', index=False)
    r = run({**base, 'train': {**base['train'], 'data': 'nocol.csv'}})
    assert r.returncode == 2 and 'sentiment' in r.stderr and 'nocol.csv' in r.stderr
    ex = example_sentences(); ex.loc[3, 'sentiment'] = 'angry'; ex.to_csv(tmp_path/'unknown.csv', index=False)
    r = run({**base, 'train': {**base['train'], 'data': 'unknown.csv'}})
    assert r.returncode == 2 and "unknown.csv', column 'sentiment', row 5: unknown label 'angry'" in r.stderr
    assert not (tmp_path/'run').exists()   # no run folder from any of these
    r = run({**base, 'model': {**base['model'], 'run': 'missing_run'}}, cmd='text-predict')
    assert r.returncode == 2 and 'missing_run' in r.stderr and 'no checkpoint here' in r.stderr
    (tmp_path/'broken').mkdir(); (tmp_path/'broken'/'model.pt').write_bytes(b'not a checkpoint')
    r = run({**base, 'model': {**base['model'], 'run': 'broken'}}, cmd='text-predict')
    assert r.returncode == 2 and 'not a readable checkpoint' in r.stderr
    assert not (tmp_path/'predictions').exists()

@pytest.mark.parametrize('n_tasks', [2, 4])
def test_one_encoder_call_per_batch(n_tasks):
    "Predicting k tasks calls the encoder once per batch, whatever k"
    import torch
    from mtl_bio.model import build_model
    from mtl_bio.runs import Predictor
    from mtl_bio.text.data import text_config, text_tasks
    from mtl_bio.text.train import SentenceFeaturizer, predict_text
    spec = [{'name': f't{i}', 'labels': ['a', 'b', 'c'][:2+i%2]} for i in range(n_tasks)]
    tasks = text_tasks(text_config({'tasks': spec}))
    feat = SentenceFeaturizer(batch_size=8)
    pred = Predictor(build_model(tasks, 384, sizes=[], bn=False), tasks, feat, meta={'pipeline': 'text'})
    feat.encoder.n_calls = 0
    out = predict_text(pred, pd.DataFrame({'text': [f'sentence number {i}' for i in range(20)]}))
    assert feat.encoder.n_calls == 3   # ceil(20/8)
    assert [v.shape for v in out.values()] == [(20, 2 + len(t.classes)) for t in tasks]

"Packaging: everything is read from settings.ini, as in nbdev's template."
from configparser import ConfigParser
import setuptools, shlex

config = ConfigParser(delimiters=['='])
config.read('settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

expected = 'version description keywords author author_email'.split()
missing = [o for o in expected if o not in cfg]
if missing: raise ValueError(f"settings.ini is missing: {', '.join(missing)}")

licenses = {'apache2': ('Apache Software License 2.0','OSI Approved :: Apache Software License')}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
py_versions = '3.10 3.11 3.12 3.13'.split()   # the versions .github/workflows/test.yaml tests

requirements = shlex.split(cfg.get('requirements', ''))
dev_requirements = shlex.split(cfg.get('dev_requirements', ''))
# One extra per pipeline (settings.ini: <name>_requirements), `all` for every pipeline; `dev` adds the notebook toolchain to `all`
extras = {k[:-len('_requirements')]: shlex.split(v) for k,v in cfg.items() if k.endswith('_requirements') and k not in ('dev_requirements',)}
extras['all'] = sorted({r for rs in extras.values() for r in rs})
extras['dev'] = extras['all'] + dev_requirements
min_python = cfg['min_python']
lic = licenses[cfg['license']]
console_scripts = cfg.get('console_scripts', '').split()
pipelines = cfg.get('pipelines', '').split()   # entry points of the group mtl_bio.pipelines: how mtl_bio finds its pipelines

setuptools.setup(
    name = cfg['lib_name'],
    license = lic[0],
    classifiers = [
        'Development Status :: ' + statuses[int(cfg['status'])],
        'Intended Audience :: ' + cfg['audience'].title(),
        'License :: ' + lic[1],
        'Natural Language :: ' + cfg['language'].title(),
        'Topic :: Scientific/Engineering :: Bio-Informatics',
    ] + ['Programming Language :: Python :: '+o for o in py_versions[py_versions.index(min_python):]],
    url = cfg['git_url'],
    packages = setuptools.find_packages(include=[cfg['lib_name'], cfg['lib_name']+'.*']),
    include_package_data = True,
    install_requires = requirements,
    extras_require = extras,
    python_requires = '>=' + min_python,
    long_description = open('README.md', encoding='utf-8').read(),
    long_description_content_type = 'text/markdown',
    zip_safe = False,
    entry_points = {'console_scripts': console_scripts, 'mtl_bio.pipelines': pipelines, 'nbdev': [f"{cfg['lib_name']}={cfg['lib_name']}._modidx:d"]},
    version = cfg['version'],
    description = cfg['description'],
    keywords = cfg['keywords'],
    author = cfg['author'],
    author_email = cfg['author_email'],
)
